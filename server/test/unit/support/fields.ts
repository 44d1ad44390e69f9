/** Header fields for the decide/ tables, written as a record: { 'If-Match': '"a"' }. */
import type { Field } from '../../../src/http/message';

/** The fields as the parser gives them: names lower-cased, in order. An array value is several lines. */
export function fieldsOf(record: Readonly<Record<string, string | readonly string[]>>): Field[] {
  return Object.entries(record).flatMap(([name, value]) =>
    (typeof value === 'string' ? [value] : value).map((v) => ({ name: name.toLowerCase(), value: v })),
  );
}
