/**
 * request-line = method SP request-target SP HTTP-version (RFC 9112 §3). We split on single
 * spaces only, as the grammar says; the looser "any whitespace" reading is where request
 * smuggling starts.
 */
import type { HttpVersion, TargetForm } from '../http/message';
import { VCHAR, allOf, isDigit, isToken } from '../http/syntax';
import { type ParseError, parseError } from './errors';

export interface RequestLine {
  readonly kind: 'line';
  readonly method: string;
  readonly target: string;
  readonly targetForm: TargetForm;
  readonly pathAndQuery: string;
  readonly version: HttpVersion;
}

const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?]*)(.*)$/;

export function parseRequestLine(line: string): RequestLine | ParseError {
  const first = line.indexOf(' ');
  const method = first === -1 ? line : line.slice(0, first);
  // The method first: the incremental parser refuses a non-token method before the line ends (request-head.ts).
  if (!isToken(method)) return parseError(400, 'method is not a token');
  const last = line.lastIndexOf(' ');
  if (first === -1 || last === first)
    return parseError(400, 'request line is not "method SP target SP version"');
  const target = line.slice(first + 1, last);
  if (target === '' || !allOf(target, VCHAR))
    return parseError(400, 'request target is empty or has a byte that is not visible ASCII');
  const version = parseVersion(line.slice(last + 1));
  if (typeof version !== 'string') return version;
  const form = targetForm(method, target);
  if (form.kind === 'error') return form;
  return { kind: 'line', method, target, targetForm: form.form, pathAndQuery: form.pathAndQuery, version };
}

/** HTTP-version = "HTTP/" DIGIT "." DIGIT: HTTP/1.0 and HTTP/1.1; a later 1.x is answered as 1.1 (RFC 9110 §6.2); another major → 505. */
function parseVersion(text: string): HttpVersion | ParseError {
  if (text === 'HTTP/1.1') return '1.1'; // nearly every request: one comparison, before the general rule
  const major = text.charCodeAt(5);
  const minor = text.charCodeAt(7);
  if (
    text.length !== 8 ||
    !text.startsWith('HTTP/') ||
    text[6] !== '.' ||
    !isDigit(major) ||
    !isDigit(minor)
  ) {
    return parseError(400, `"${text}" is not an HTTP version (HTTP/DIGIT.DIGIT)`);
  }
  if (text[5] !== '1') return parseError(505, `HTTP/${text[5]}.x is not supported over this connection`);
  return text[7] === '0' ? '1.0' : '1.1';
}

type FormResult = { kind: 'form'; form: TargetForm; pathAndQuery: string } | ParseError;

/** Which of the four target forms this is (RFC 9112 §3.2), and the path to serve from it. */
function targetForm(method: string, target: string): FormResult {
  if (target.startsWith('/')) return { kind: 'form', form: 'origin', pathAndQuery: target };
  if (target === '*') {
    return method === 'OPTIONS'
      ? { kind: 'form', form: 'asterisk', pathAndQuery: '*' }
      : parseError(400, 'the asterisk target is only for OPTIONS');
  }
  const absolute = ABSOLUTE_FORM.exec(target);
  if (absolute) {
    // The authority is ignored (RFC 9112 §3.2.2 lets an origin server use it; we serve one site).
    const scheme = (absolute[1] ?? '').toLowerCase();
    if (scheme !== 'http' && scheme !== 'https')
      return parseError(400, `scheme "${scheme}" is not http or https`);
    // RFC 9110 §4.2.4: userinfo in an http(s) URI is to be treated as an error (it is how phishing links hide a host).
    if ((absolute[2] ?? '').includes('@')) return parseError(400, 'userinfo ("user@") in the target');
    const rest = absolute[3] ?? '';
    return { kind: 'form', form: 'absolute', pathAndQuery: rest.startsWith('/') ? rest : `/${rest}` };
  }
  if (method === 'CONNECT') return { kind: 'form', form: 'authority', pathAndQuery: '' };
  return parseError(400, 'request target is not a path, an absolute URI or *');
}
