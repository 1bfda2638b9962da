import { oneEvent } from '@open-wc/testing';

/** oneEvent, typed by the event map: `await nextEvent(widget, 'chat-ready')` is a ChatReadyEvent. */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  type: K,
): Promise<GlobalEventHandlersEventMap[K]> {
  return oneEvent(target, type) as unknown as Promise<GlobalEventHandlersEventMap[K]>;
}
