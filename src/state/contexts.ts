import { createContext } from '@lit/context';
import type { ChatState } from './types.js';
import type { ChatStrings } from './strings.js';

/** The root's current state snapshot; a new object on every change. */
export const chatStateContext = createContext<ChatState>(Symbol('chatState'));

/** The user-facing texts, replaceable by the host page for translation. */
export const chatStringsContext = createContext<ChatStrings>(Symbol('chatStrings'));
