// A small static HTTP/1.1 server, for calibrating scripts/grade only: correct wherever the
// suite looks, except for the ONE fault switched on with --fault NAME. Calibration grades it
// once per fault and asserts that exactly the checks written for that fault fail.
//
//   node scripts/calibration/fault-server.mjs --root site [--port 0] [--fault NAME]
//
// It prints "listening on 127.0.0.1:PORT" once it accepts connections. It speaks HTTP itself
// over node:net (as the lab's server does), in plain JavaScript: it is a test tool, not a
// teaching server, so it is short rather than complete (no request bodies, no multipart).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// Each fault, as the suite should see it. The first group breaks one rule the checks teach;
// the second makes the server a hostile target, which the suite must judge quickly.
const FAULTS = {
  symlink: 'follows a symlink that leads out of the site',
  dotfile: 'serves dotfiles such as .env',
  backslash: 'splits on "\\" as a separator after the ".." check (as Windows paths do)',
  nul: 'ends the path at a decoded NUL, as C strings do (/index.html%00.png → index.html)',
  'ims-over-inm': 'answers 304 on If-Modified-Since even when If-None-Match did not match',
  'ims-exact': 'answers 304 only when If-Modified-Since is exactly Last-Modified',
  'inm-strong': 'compares If-None-Match strongly: W/"tag" does not match "tag"',
  'ius-ignored': 'ignores If-Unmodified-Since',
  'short-404': "a 404's body is 10 bytes shorter than its Content-Length",
  slow: 'takes 1.5 s before each response (correct otherwise)',
  stall: 'sends a valid head and 10 bytes of the body, then nothing, keeping the connection',
  'endless-body-slow': 'sends a head, then a body without end at about 1 MiB/s',
  'endless-body-fast': 'sends a head, then a body without end as fast as it can',
  'endless-head': 'sends a status line, then header fields without end (100 KiB/s)',
  'never-answers': 'accepts connections and never answers',
  dies: 'exits after its 25th request',
};

const REASONS = {
  200: 'OK',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  412: 'Precondition Failed',
  414: 'URI Too Long',
  416: 'Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};
const LIMITS = { requestLine: 8192, head: 16384, idleMs: 5000, requestMs: 10000, lingerMs: 2000 };
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const options = parseArguments(process.argv.slice(2));
const fault = options.fault;
const root = fs.realpathSync(options.root);
let requestsServed = 0;

const server = net.createServer({ allowHalfOpen: true }, (socket) => new Connection(socket));
server.listen(options.port, '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}${fault ? ` (fault: ${fault})` : ''}`);
});
process.on('SIGTERM', () => process.exit(0));

function parseArguments(args) {
  const parsed = { root: 'site', port: 0, fault: '' };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1] ?? ''];
    if (flag === '--root') parsed.root = value;
    else if (flag === '--port') parsed.port = Number(value);
    else if (flag === '--fault' && (value === '' || value in FAULTS)) parsed.fault = value;
    else {
      console.error(`usage: fault-server.mjs --root DIR [--port N] [--fault NAME]; faults:`);
      for (const [name, what] of Object.entries(FAULTS)) console.error(`  ${name.padEnd(18)} ${what}`);
      process.exit(2);
    }
  }
  return parsed;
}

// One connection: bytes in, requests answered one at a time, in order (pipelining works
// because the buffer is parsed again after each response).
class Connection {
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.busy = false;
    this.closing = false;
    this.peerEnded = false;
    this.requestStarted = 0;
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('end', () => {
      this.peerEnded = true;
      if (!this.busy) this.next();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => clearInterval(this.watchdog));
    this.lastActivity = Date.now();
    this.watchdog = setInterval(() => this.checkTimeouts(), 250);
  }

  receive(chunk) {
    if (this.closing) return; // lingering: read and discard
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.requestStarted === 0) this.requestStarted = Date.now();
    if (!this.busy) this.next();
  }

  checkTimeouts() {
    const now = Date.now();
    if (this.busy || this.closing || fault === 'never-answers') return;
    if (this.buffer.length > 0 && now - this.requestStarted > LIMITS.requestMs) this.fail(408);
    else if (this.buffer.length === 0 && now - this.lastActivity > LIMITS.idleMs) this.socket.destroy();
  }

  // Parse what is buffered: answer one request, or an error, or wait for more bytes.
  next() {
    if (this.closing) return;
    if (this.buffer.length === 0) {
      if (this.peerEnded) this.socket.end();
      return;
    }
    const text = this.buffer.toString('latin1');
    const headEnd = text.indexOf('\r\n\r\n');
    const lineEnd = text.indexOf('\r\n');
    if (fault === 'never-answers') return;
    if ((lineEnd === -1 ? text.length : lineEnd) > LIMITS.requestLine) return this.fail(414);
    if (headEnd === -1) {
      if (text.length > LIMITS.head) return this.fail(431);
      if (!TOKEN.test(text.slice(0, 1)) && text.length > 0) return this.fail(400);
      if (this.peerEnded) return this.fail(400); // a half-closed client sent half a request
      return;
    }
    if (headEnd > LIMITS.head) return this.fail(431);
    this.buffer = this.buffer.subarray(headEnd + 4);
    this.requestStarted = this.buffer.length > 0 ? Date.now() : 0;
    const request = parseHead(text.slice(0, headEnd));
    if (request.status) return this.fail(request.status);
    this.busy = true;
    requestsServed += 1;
    if (fault === 'dies' && requestsServed > 25) process.exit(1);
    const reply = answerOr500(request);
    const delay = fault === 'slow' ? 1500 : 0;
    setTimeout(() => this.send(reply, request), delay);
  }

  send(reply, request) {
    if (hostile(this.socket, reply)) return;
    const close = request.close || reply.close;
    this.socket.write(serialize(reply, close));
    if (reply.body && request.method !== 'HEAD') this.socket.write(reply.body);
    this.busy = false;
    this.lastActivity = Date.now();
    if (close) return this.closeAfterLinger();
    this.next();
  }

  fail(status) {
    const reply = errorReply(status);
    this.socket.write(serialize(reply, true));
    this.socket.write(reply.body);
    this.closeAfterLinger();
  }

  // Our side ends first; what the client still sends is read and dropped for a while, so that
  // it reads our response instead of a reset.
  closeAfterLinger() {
    this.closing = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LIMITS.lingerMs).unref();
  }
}

// The hostile faults take over the socket before any proper response is written.
function hostile(socket, reply) {
  const head = (fields) => `HTTP/1.1 200 OK\r\nDate: ${new Date().toUTCString()}\r\n${fields}`;
  switch (fault) {
    case 'stall':
      if (!reply.body || reply.body.length <= 10) return false;
      socket.write(serialize(reply, false));
      socket.write(reply.body.subarray(0, 10));
      return true; // and nothing more, ever
    case 'endless-body-slow':
    case 'endless-body-fast': {
      socket.write(head('Content-Type: application/octet-stream\r\n\r\n'));
      const chunk = Buffer.alloc(65536, 0x61);
      const pump = () => {
        if (socket.destroyed) return;
        if (fault === 'endless-body-slow') setTimeout(() => socket.write(chunk, pump), 62);
        else socket.write(chunk, pump);
      };
      pump();
      return true;
    }
    case 'endless-head': {
      socket.write(head(''));
      let n = 0;
      const more = () => {
        if (!socket.destroyed) socket.write(`X-Field-${(n += 1)}: ${'x'.repeat(1000)}\r\n`);
      };
      const timer = setInterval(more, 10);
      socket.once('close', () => clearInterval(timer));
      return true;
    }
    default:
      return false;
  }
}

// --- parse: the head's text into method, target, version and fields, or a status ----------

function parseHead(text) {
  const [line, ...fieldLines] = text.split('\r\n');
  const parts = line.split(' ');
  if (parts.length !== 3 || !TOKEN.test(parts[0])) return { status: 400 };
  const [method, target, version] = parts;
  const v = /^HTTP\/(\d)\.(\d)$/.exec(version);
  if (!v) return { status: 400 };
  if (v[1] !== '1') return { status: 505 };
  const fields = {};
  for (const fieldLine of fieldLines) {
    const colon = fieldLine.indexOf(':');
    const name = fieldLine.slice(0, colon);
    if (colon < 1 || !TOKEN.test(name)) return { status: 400 }; // also "Name :" (RFC 9112 §5.1)
    const key = name.toLowerCase();
    const value = fieldLine.slice(colon + 1).trim();
    if (key === 'host' && key in fields) return { status: 400 };
    fields[key] = key in fields ? `${fields[key]}, ${value}` : value;
  }
  if (version === 'HTTP/1.1' && !('host' in fields)) return { status: 400 };
  if ('transfer-encoding' in fields || Number(fields['content-length'] ?? 0) > 0) return { status: 501 };
  const connection = (fields.connection ?? '').toLowerCase();
  const close = version === 'HTTP/1.0' ? !connection.includes('keep-alive') : connection.includes('close');
  return { method, target, fields, close };
}

// --- resolve: from the target to a file under the root, or a status ------------------------

function answerOr500(request) {
  try {
    return answer(request);
  } catch {
    return errorReply(500);
  }
}

function answer(request) {
  const { method } = request;
  if (method === 'OPTIONS') return { status: 204, fields: { Allow: 'GET, HEAD, OPTIONS' } };
  if (method !== 'GET' && method !== 'HEAD') return errorReply(405, { Allow: 'GET, HEAD, OPTIONS' });
  const found = resolve(request.target);
  if (found.status) return errorReply(found.status, found.fields);
  return represent(request, found.file, fs.statSync(found.file));
}

function resolve(target) {
  const [rawPath, query] = splitOnce(target, '?');
  if (!rawPath.startsWith('/') || /%2f/i.test(rawPath)) return { status: 400 };
  let decoded = percentDecode(rawPath);
  if (decoded === undefined) return { status: 400 };
  if (decoded.includes('\0')) {
    if (fault !== 'nul') return { status: 400 };
    decoded = decoded.slice(0, decoded.indexOf('\0'));
  }
  if (decoded.includes('\\') && fault !== 'backslash') return { status: 400 };
  let segments = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.pop() === undefined) return { status: 400 };
    } else segments.push(segment);
  }
  if (fault !== 'dotfile' && segments.some((s) => s.startsWith('.'))) return { status: 404 };
  if (fault === 'backslash') segments = segments.flatMap((s) => s.split('\\'));
  if (fault !== 'symlink' && leavesRootThroughSymlink(segments)) return { status: 404 };
  const file = path.join(root, ...segments);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return { status: 404 };
  if (!stat.isDirectory()) return decoded.endsWith('/') ? { status: 404 } : { file };
  if (!decoded.endsWith('/')) {
    return { status: 301, fields: { Location: rawPath + '/' + (query === undefined ? '' : `?${query}`) } };
  }
  const index = path.join(file, 'index.html');
  return fs.existsSync(index) ? { file: index } : { status: 404 };
}

// Every symlink on the way, checked where it leads: a link out of the root is refused.
function leavesRootThroughSymlink(segments) {
  let at = root;
  for (const segment of segments) {
    at = path.join(at, segment);
    const stat = fs.lstatSync(at, { throwIfNoEntry: false });
    if (!stat) return false;
    if (stat.isSymbolicLink()) {
      let real;
      try {
        real = fs.realpathSync(at);
      } catch {
        return true;
      }
      if (real !== root && !real.startsWith(root + path.sep)) return true;
    }
  }
  return false;
}

// Percent-decoding, once (RFC 3986 §2.1), then UTF-8; a bad escape or bad UTF-8: undefined.
function percentDecode(raw) {
  const bytes = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '%') {
      bytes.push(raw.charCodeAt(i));
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

// --- decide and respond: preconditions (RFC 9110 §13.2.2 order), then Range ------------------

function represent(request, file, stat) {
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const modified = Math.floor(stat.mtimeMs / 1000) * 1000;
  const fields = {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Last-Modified': new Date(modified).toUTCString(),
    ETag: etag,
    'Accept-Ranges': 'bytes',
  };
  const verdict = preconditions(request.fields, etag, modified);
  if (verdict)
    return {
      status: verdict,
      fields: verdict === 304 ? { ETag: etag, 'Last-Modified': fields['Last-Modified'] } : {},
    };
  const body = fs.readFileSync(file);
  const range = request.fields.range;
  const ifRange = request.fields['if-range'];
  const rangeApplies =
    range &&
    request.method === 'GET' &&
    (!ifRange || ifRange === etag || ifRange === fields['Last-Modified']);
  if (rangeApplies) {
    const part = singleRange(range, body.length);
    if (part === 'unsatisfiable') return errorReply(416, { 'Content-Range': `bytes */${body.length}` });
    if (part) {
      fields['Content-Range'] = `bytes ${part.first}-${part.last}/${body.length}`;
      return { status: 206, fields, body: body.subarray(part.first, part.last + 1) };
    }
  }
  return { status: 200, fields, body };
}

function preconditions(fields, etag, modified) {
  const tags = (value) => value.split(',').map((t) => t.trim());
  const weak = (tag) => tag.replace(/^W\//, '');
  const date = (value) => (value === undefined ? NaN : Date.parse(value));
  if (fields['if-match'] !== undefined) {
    if (!tags(fields['if-match']).some((t) => t === '*' || t === etag)) return 412;
  } else if (fault !== 'ius-ignored' && modified > date(fields['if-unmodified-since'])) return 412;
  if (fields['if-none-match'] !== undefined) {
    const same = fault === 'inm-strong' ? (t) => t === etag : (t) => weak(t) === weak(etag);
    if (tags(fields['if-none-match']).some((t) => t === '*' || same(t))) return 304;
    if (fault !== 'ims-over-inm') return 0;
  }
  const since = date(fields['if-modified-since']);
  if (fault === 'ims-exact' ? modified === since : modified <= since) return 304;
  return 0;
}

// One range of bytes=first-last, first- or -suffix; several ranges or another unit: none
// (RFC 9110 §14.2 lets a server ignore Range and send it all).
function singleRange(value, length) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let first, last;
  if (match[1] === '') [first, last] = [Math.max(0, length - Number(match[2])), length - 1];
  else
    [first, last] = [Number(match[1]), match[2] === '' ? length - 1 : Math.min(Number(match[2]), length - 1)];
  if (first >= length || first > last) return 'unsatisfiable';
  return { first, last };
}

// A short text page. A refused request (400, 414, 431, 5xx...) closes the connection, since
// the byte stream may be out of step; 404, 405, 412 and 416 keep it.
function errorReply(status, fields = {}) {
  const body = Buffer.from(`${status} ${REASONS[status]}\n`);
  const close = status >= 400 && ![404, 405, 412, 416].includes(status);
  const extraLength = fault === 'short-404' && status === 404 ? 10 : 0;
  return {
    status,
    fields: { 'Content-Type': 'text/plain; charset=utf-8', ...fields },
    body,
    close,
    extraLength,
  };
}

function serialize(reply, close) {
  const lines = [
    `HTTP/1.1 ${reply.status} ${REASONS[reply.status]}`,
    `Date: ${new Date().toUTCString()}`,
    'Server: fault-server',
  ];
  for (const [name, value] of Object.entries(reply.fields ?? {})) lines.push(`${name}: ${value}`);
  if (reply.status !== 204 && reply.status !== 304) {
    lines.push(`Content-Length: ${(reply.body?.length ?? 0) + (reply.extraLength ?? 0)}`);
  }
  if (close) lines.push('Connection: close');
  return lines.join('\r\n') + '\r\n\r\n';
}
