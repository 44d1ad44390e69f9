/** Generators for the pieces of HTTP syntax the properties share. */
import fc from 'fast-check';

/** token = 1*tchar (RFC 9110 §5.6.2): methods, field names. */
export const token = (maxLength: number) =>
  fc.stringMatching(new RegExp(`^[!#$%&'*+\\-.^_\`|~0-9A-Za-z]{1,${maxLength}}$`));

/** field-value: field-vchar at both ends, SP and HTAB only inside (RFC 9110 §5.5); obs-text included; sometimes empty. */
export const fieldValue = (maxLength: number) =>
  fc.oneof(
    {
      arbitrary: fc.stringMatching(
        new RegExp(
          `^[\\x21-\\x7e\\x80-\\xff]([\\x20\\t\\x21-\\x7e\\x80-\\xff]{0,${maxLength - 2}}[\\x21-\\x7e\\x80-\\xff])?$`,
        ),
      ),
      weight: 9,
    },
    fc.constant(''),
  );
