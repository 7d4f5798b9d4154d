/**
 * An HTTP request with exactly the headers given, Host and Origin included (fetch picks its own
 * Host): what a browser sends for a page whose DNS name was rebound, or a cross-site page.
 */
import http from 'node:http';

export interface RawReply {
  status: number;
  /** Lower-cased names. */
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export const rawRequest = (url: string, { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
