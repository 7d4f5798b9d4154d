// One participant's live connection: authenticated with `?token=` (browsers cannot set headers
// on a WebSocket), reconnected with backoff, kept alive with pings below API Gateway's 10-minute
// idle timeout. After a reconnect the page resynchronises, since events sent meanwhile are gone.
//
// A browser learns no HTTP status from a refused upgrade: every failure is the same close 1006.
// So after each close the page asks (checkRefusal) whether the API refuses the token itself; a
// token refused for good (expired, or its tenant suspended) stops the retries instead of knocking
// every 30 s forever, and anything else (the stack restarting, a dropped network) is retried.

const PING_EVERY_MS = 5 * 60 * 1000;
const MAX_BACKOFF_MS = 30 * 1000;

/**
 * @typedef {'connecting'|'live'|'offline'|'refused'} SocketState
 * @param {string} url ws:// URL of the WebSocket API
 * @param {string} token the participant's access token
 * @param {{
 *   onEvent: (event: any) => void,
 *   onState: (state: SocketState, reconnected: boolean, refusal?: any) => void,
 *   checkRefusal: () => Promise<any>,
 * }} handlers checkRefusal resolves to why the token is refused for good, or undefined
 */
export function connectSocket(url, token, { onEvent, onState, checkRefusal }) {
  let socket;
  let attempts = 0;
  let connectedBefore = false;
  let stopped = false;
  let pinger;
  let retryTimer;

  const retryOrStop = async () => {
    onState('offline', false);
    const refusal = await checkRefusal();
    if (stopped) return; // closed by the page meanwhile
    if (refusal) {
      stopped = true;
      onState('refused', false, refusal);
      return;
    }
    retryTimer = setTimeout(open, Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts++));
  };

  const open = () => {
    onState('connecting', false);
    socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
    socket.addEventListener('open', () => {
      attempts = 0;
      onState('live', connectedBefore);
      connectedBefore = true;
      pinger = setInterval(() => socket.send(JSON.stringify({ action: 'ping' })), PING_EVERY_MS);
    });
    socket.addEventListener('message', (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return; // not an event of ours
      }
      onEvent(event);
    });
    socket.addEventListener('close', () => {
      clearInterval(pinger);
      if (stopped) return;
      void retryOrStop();
    });
  };

  open();
  return {
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pinger);
      socket.close();
    },
  };
}
