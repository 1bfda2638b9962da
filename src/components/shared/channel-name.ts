import type { ChatChannel } from '../../state/types.js';

/** The name a person recognizes: friendly name, else unique name, else the SID. */
export function channelName(channel: ChatChannel): string {
  return channel.friendlyName || channel.uniqueName || channel.sid;
}
