import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A small HTTP client on node:http with keep-alive sockets: less client CPU per request than
 * fetch, which matters when the load generator shares two cores with the app and PostgreSQL.
 */
export class HttpClient {
  constructor(baseUrl, apiKey, maxSockets = 64) {
    this.base = new URL(baseUrl);
    this.apiKey = apiKey;
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Resolves { status, body (parsed JSON or text), headers, ms }; rejects only on network errors. */
  request(
    method,
    path,
    { json, text, contentType, headers = {}, apiKey = this.apiKey, timeoutMs = 120_000 } = {},
  ) {
    const payload = json !== undefined ? JSON.stringify(json) : text;
    const allHeaders = { ...headers };
    if (apiKey) allHeaders.authorization = `Bearer ${apiKey}`;
    if (payload !== undefined) {
      allHeaders['content-type'] =
        contentType ?? (json !== undefined ? 'application/json' : 'text/plain');
      allHeaders['content-length'] = Buffer.byteLength(payload);
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let responded = false;
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          path: `/api${path}`,
          method,
          agent: this.agent,
          headers: allHeaders,
          timeout: timeoutMs,
        },
        (res) => {
          responded = true;
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const ms = performance.now() - started;
            const raw = Buffer.concat(chunks).toString('utf8');
            let body = raw;
            if ((res.headers['content-type'] ?? '').includes('json')) {
              try {
                body = JSON.parse(raw);
              } catch {
                body = raw;
              }
            }
            resolve({ status: res.statusCode, body, headers: res.headers, ms });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)),
      );
      // A body the server refused from its headers: the server answers and closes while the
      // body is still being written, so the write fails once the answer is in.
      req.on('error', (error) => {
        if (!responded || !['EPIPE', 'ECONNRESET'].includes(error.code)) reject(error);
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get(path, options) {
    return this.request('GET', path, options);
  }

  post(path, json, options = {}) {
    return this.request('POST', path, { ...options, json });
  }

  close() {
    this.agent.destroy();
  }
}

/** Throws with the response when the status is not the expected one. */
export function expectStatus(response, expected, what) {
  if (response.status !== expected) {
    const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    throw new Error(`${what}: expected ${expected}, got ${response.status}: ${body.slice(0, 500)}`);
  }
  return response.body;
}
