/**
 * twilio-chat 6 fetches Sync objects in the background (a channel one was just added to, a
 * re-subscription after a reconnect) and awaits some of those promises nowhere. When the network
 * drops or the client shuts down while such a request is in flight, twilsock rejects it and
 * twilio-sync wraps the rejection as `SyncError: disconnected (status: 0, code: 0)` (chat's own
 * requests leave it a bare `TwilsockError: disconnected`; requests still queued when a client is
 * shut down as it initializes get `TransportUnavailableError: Unable to connect: …`): an unhandled
 * rejection on the host page, although the SDK (or the widget, see the session's restarts) recovers.
 * Those, and only those, are kept out of the host page's console while a widget's client is alive.
 */
const TRANSPORT_FAILURES = /^(?:disconnected|Twilsock: request cancelled by user|Unable to connect: .+)$/;
const SYNC_TRANSPORT_FAILURES = /^(?:disconnected|Twilsock: request cancelled by user) \(status: 0, code: 0\)$/;

/**
 * Whether a rejection reason is one of the SDK's transport failures: twilsock's own TwilsockError
 * (an Error subclass that keeps the name "Error", with exactly that message), or twilio-sync's SyncError made of one.
 */
export function isSdkTransportNoise(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const { status, code } = reason as Error & { status?: unknown; code?: unknown };
  if (status === 0 && code === 0) return SYNC_TRANSPORT_FAILURES.test(reason.message);
  return (
    status === undefined &&
    reason.name === 'Error' &&
    Object.getPrototypeOf(reason) !== Error.prototype &&
    TRANSPORT_FAILURES.test(reason.message)
  );
}

/**
 * Prevented: the browser prints nothing, and reporters that honour `defaultPrevented` skip it.
 * (Listeners the page added before this one still see the event: on a window they run in the
 * order they were added, capture or not.)
 */
const onUnhandledRejection = (event: PromiseRejectionEvent): void => {
  if (isSdkTransportNoise(event.reason)) event.preventDefault();
};

/** Holders per window: several widgets on a page share one listener. */
const holders = new WeakMap<Window, number>();

/**
 * Starts keeping the SDK's transport noise quiet on `target`; the returned function stops it (a
 * second call does nothing).
 */
export function quietSdkTransportNoise(target: Window = window): () => void {
  const count = holders.get(target) ?? 0;
  if (count === 0) target.addEventListener('unhandledrejection', onUnhandledRejection);
  holders.set(target, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (holders.get(target) ?? 1) - 1;
    holders.set(target, left);
    if (left === 0) target.removeEventListener('unhandledrejection', onUnhandledRejection);
  };
}
