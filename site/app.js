/* webserver-lab: live demos for the index page. No dependencies, no build step.
 * Loaded with <script src="/app.js" defer>, so the DOM is ready when this runs.
 * Every request goes to the same origin that served the page, so all response
 * headers (ETag, Last-Modified, Content-Range, ...) are readable from script. */
/* global document */
'use strict';

(function () {
  const output = document.getElementById('demo-output');
  if (!output) {
    return; // not the index page
  }

  // Validators remembered from the last GET /data.json, for the conditional demo.
  let lastEtag = null;
  let lastModified = null;

  const SHOWN_HEADERS = [
    'content-type',
    'content-length',
    'content-range',
    'accept-ranges',
    'etag',
    'last-modified',
    'cache-control',
    'connection',
  ];

  function statusClass(status) {
    return 'status-' + String(status).charAt(0) + 'xx';
  }

  // Replace the output with: the request we sent, the status line, a few headers, notes, a body.
  function show(request, response, body, notes) {
    output.textContent = '';
    output.append('> ' + request.join('\n> ') + '\n\n');
    const statusLine = document.createElement('span');
    statusLine.className = statusClass(response.status);
    statusLine.textContent = response.status + ' ' + (response.statusText || '');
    output.append('< ', statusLine, '\n');
    for (const name of SHOWN_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) {
        output.append('< ' + name + ': ' + value + '\n');
      }
    }
    for (const note of notes) {
      output.append('\n# ' + note);
    }
    if (body !== '') {
      output.append('\n\n' + body);
    }
  }

  function showError(request, error) {
    output.textContent =
      '> ' + request.join('\n> ') + '\n\n' +
      'The request failed before any response arrived: ' + error.message + '\n' +
      '# Is the server still running? Check its log.';
  }

  async function getJson() {
    const request = ['GET /data.json HTTP/1.1'];
    try {
      // no-store: skip the browser cache so we see what the server itself answers.
      const response = await fetch('/data.json', { cache: 'no-store' });
      const text = await response.text();
      lastEtag = response.headers.get('etag');
      lastModified = response.headers.get('last-modified');
      let body = text;
      const notes = [];
      try {
        body = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        notes.push('The body is not valid JSON.');
      }
      if (lastEtag) {
        notes.push('Remembered the ETag: try "Conditional GET" now.');
      } else if (lastModified) {
        notes.push('No ETag, but a Last-Modified date: "Conditional GET" will use If-Modified-Since.');
      } else {
        notes.push('No validator (ETag or Last-Modified) in this response.');
      }
      show(request, response, body, notes);
    } catch (error) {
      showError(request, error);
    }
  }

  async function getRange() {
    const request = ['GET /nums.txt HTTP/1.1', 'Range: bytes=2-5'];
    try {
      const response = await fetch('/nums.txt', {
        cache: 'no-store',
        headers: { Range: 'bytes=2-5' },
      });
      const text = await response.text();
      const notes = [];
      if (response.status === 206) {
        notes.push(text === '2345'
          ? 'Correct: bytes 2 to 5 (inclusive) of "0123456789" are "2345".'
          : 'Expected the body "2345" for bytes 2-5 of "0123456789".');
      } else if (response.status === 200) {
        notes.push('The server ignored the Range header and sent the whole file (allowed, RFC 9110 §14.2).');
      }
      show(request, response, text, notes);
    } catch (error) {
      showError(request, error);
    }
  }

  async function getConditional() {
    if (lastEtag === null && lastModified === null) {
      await getJson();
      if (lastEtag === null && lastModified === null) {
        return; // nothing to be conditional on; getJson already said so
      }
    }
    const headers = {};
    const request = ['GET /data.json HTTP/1.1'];
    if (lastEtag) {
      headers['If-None-Match'] = lastEtag;
      request.push('If-None-Match: ' + lastEtag);
    } else {
      headers['If-Modified-Since'] = lastModified;
      request.push('If-Modified-Since: ' + lastModified);
    }
    try {
      // With conditional headers set by the page, the browser passes a 304 straight through.
      const response = await fetch('/data.json', { cache: 'no-store', headers });
      const text = await response.text();
      const notes = [];
      if (response.status === 304) {
        notes.push('304: the copy we already have is still good, so no body was sent.');
      } else if (response.status === 200) {
        notes.push('200: the server sent the whole body again (the file changed, or it ignores validators).');
      }
      show(request, response, text, notes);
    } catch (error) {
      showError(request, error);
    }
  }

  const actions = {
    'demo-json': getJson,
    'demo-range': getRange,
    'demo-conditional': getConditional,
  };
  for (const [id, action] of Object.entries(actions)) {
    const button = document.getElementById(id);
    if (button) {
      button.disabled = false;
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await action();
        } finally {
          button.disabled = false;
        }
      });
    }
  }
})();
