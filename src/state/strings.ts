/**
 * Every text the widget shows. A host page translates the widget by setting `strings` on
 * `<chat-widget>` to a partial object; missing keys fall back to these English defaults.
 */
export interface ChatStrings {
  readonly launcherLabel: string;
  readonly closeLabel: string;
  readonly title: string;
  readonly channels: string;
  readonly noChannels: string;
  readonly loadingChannels: string;
  readonly selectChannel: string;
  readonly loadingMessages: string;
  readonly loadingOlder: string;
  readonly noMessages: string;
  readonly composerLabel: string;
  readonly composerPlaceholder: string;
  readonly send: string;
  readonly edit: string;
  readonly save: string;
  readonly cancel: string;
  readonly delete: string;
  readonly confirmDelete: string;
  readonly edited: string;
  readonly sending: string;
  readonly editing: string;
  readonly removing: string;
  readonly failed: string;
  readonly retry: string;
  readonly you: string;
  readonly back: string;
  readonly loggedOut: string;
  readonly attachment: string;
  readonly attach: string;
  readonly download: string;
  readonly unread: (count: number) => string;
  readonly typing: (names: readonly string[]) => string;
  readonly connection: Readonly<Record<string, string>>;
}

export const defaultStrings: ChatStrings = {
  launcherLabel: 'Open chat',
  closeLabel: 'Close chat',
  title: 'Chat',
  channels: 'Conversations',
  noChannels: 'No conversations yet.',
  loadingChannels: 'Loading conversations…',
  selectChannel: 'Choose a conversation.',
  loadingMessages: 'Loading messages…',
  loadingOlder: 'Loading older messages…',
  noMessages: 'No messages yet. Say hello!',
  composerLabel: 'Message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  edit: 'Edit',
  save: 'Save',
  cancel: 'Cancel',
  delete: 'Delete',
  confirmDelete: 'Delete this message?',
  edited: 'edited',
  sending: 'Sending…',
  editing: 'Saving…',
  removing: 'Deleting…',
  failed: 'Not sent',
  retry: 'Retry',
  you: 'You',
  back: 'Back to conversations',
  loggedOut: 'You are signed out.',
  attachment: 'Attachment',
  attach: 'Attach a file',
  download: 'Download',
  unread: (count) => (count === 1 ? '1 unread message' : `${count} unread messages`),
  typing: (names) =>
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`,
  connection: {
    idle: 'Not connected',
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Connection lost. Reconnecting…',
    offline: 'You are offline. Messages will be sent when you are back.',
    denied: 'Access denied.',
    disconnected: 'Disconnected',
  },
};
