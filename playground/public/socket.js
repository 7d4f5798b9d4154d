// One participant's live connection: authenticated with `?token=` (browsers cannot set headers
// on a WebSocket), reconnected with backoff, kept alive with pings below API Gateway's 10-minute
// idle timeout. After a reconnect the page resynchronises, since events sent meanwhile are gone.

const PING_EVERY_MS = 5 * 60 * 1000;
const MAX_BACKOFF_MS = 30 * 1000;

/**
 * @param {string} url ws:// URL of the WebSocket API
 * @param {string} token the participant's access token
 * @param {{onEvent: (event: any) => void, onState: (state: 'connecting'|'live'|'offline', reconnected: boolean) => void}} handlers
 */
export function connectSocket(url, token, { onEvent, onState }) {
  let socket;
  let attempts = 0;
  let connectedBefore = false;
  let stopped = false;
  let pinger;
  let retryTimer;

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
      onState('offline', false);
      retryTimer = setTimeout(open, Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts++));
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
