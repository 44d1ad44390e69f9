/**
 * The one status table: every status this server sends, its reason phrase, the sentence its
 * error page shows, and (in the comment) the RFC section that defines it and when we send it.
 */
export const STATUS = {
  100: { reason: 'Continue', page: '' }, //                                                           RFC 9110 §15.2.1  interim, for Expect: 100-continue
  200: { reason: 'OK', page: '' }, //                                                                 RFC 9110 §15.3.1
  204: { reason: 'No Content', page: '' }, //                                                         RFC 9110 §15.3.5  OPTIONS
  206: { reason: 'Partial Content', page: '' }, //                                                    RFC 9110 §15.3.7  Range
  301: { reason: 'Moved Permanently', page: 'This is a directory: its address ends with a slash.' }, // RFC 9110 §15.4.2  directory without "/"
  304: { reason: 'Not Modified', page: '' }, //                                                       RFC 9110 §15.4.5  If-None-Match, If-Modified-Since
  400: { reason: 'Bad Request', page: 'The request is not valid HTTP/1.1.' }, //                     RFC 9110 §15.5.1  malformed request
  403: { reason: 'Forbidden', page: 'The server is not allowed to read this file.' }, //             RFC 9110 §15.5.4  unreadable file
  404: { reason: 'Not Found', page: 'There is nothing at this address.' }, //                         RFC 9110 §15.5.5
  405: { reason: 'Method Not Allowed', page: 'This server only reads files: GET, HEAD and OPTIONS.' }, // RFC 9110 §15.5.6 other methods
  406: {
    reason: 'Not Acceptable',
    page: 'The file cannot be sent in any content coding the request accepts.',
  }, // RFC 9110 §15.5.7 identity refused (compression)
  408: { reason: 'Request Timeout', page: 'The request did not arrive in time.' }, //                 RFC 9110 §15.5.9  slow request head
  412: { reason: 'Precondition Failed', page: "The file does not match the request's conditions." }, // RFC 9110 §15.5.13 If-Match, If-Unmodified-Since
  413: { reason: 'Content Too Large', page: 'The request body is larger than this server reads.' }, // RFC 9110 §15.5.14 body over the limit
  414: { reason: 'URI Too Long', page: 'The request line is longer than this server reads.' }, //     RFC 9110 §15.5.15 request line over the limit
  416: { reason: 'Range Not Satisfiable', page: 'No requested range overlaps the file.' }, //         RFC 9110 §15.5.17
  417: { reason: 'Expectation Failed', page: 'The only expectation this server meets is 100-continue.' }, // RFC 9110 §15.5.18
  431: {
    reason: 'Request Header Fields Too Large',
    page: 'The request header is larger than this server reads.',
  }, // RFC 6585 §5
  500: { reason: 'Internal Server Error', page: 'Something went wrong on the server.' }, //           RFC 9110 §15.6.1
  501: { reason: 'Not Implemented', page: 'The request uses a transfer coding this server does not know.' }, // RFC 9110 §15.6.2
  503: { reason: 'Service Unavailable', page: 'The server is too busy; try again shortly.' }, //      RFC 9110 §15.6.4  connection cap
  505: { reason: 'HTTP Version Not Supported', page: 'This server speaks HTTP/1.0 and HTTP/1.1.' }, // RFC 9110 §15.6.6
} as const;

export type StatusCode = keyof typeof STATUS;

export function reasonPhrase(status: StatusCode): string {
  return STATUS[status].reason;
}
