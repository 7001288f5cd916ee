/** Something that can receive one JSON frame: a WebSocket, or a test double of one. */
export interface Socket {
  send(data: string): void;
  readonly readyState: number;
}

const OPEN = 1;

/**
 * The browsers currently connected to each web chat conversation. Pushes reach only sockets on
 * this instance; a browser that is not connected catches up from the history on reconnect.
 */
export class WebChatHub {
  private readonly sockets = new Map<string, Set<Socket>>();

  add(conversationId: string, socket: Socket): () => void {
    let set = this.sockets.get(conversationId);
    if (!set) this.sockets.set(conversationId, (set = new Set()));
    set.add(socket);
    return () => {
      set.delete(socket);
      if (set.size === 0) this.sockets.delete(conversationId);
    };
  }

  /** Returns how many sockets received the frame. */
  push(conversationId: string, frame: unknown): number {
    const json = JSON.stringify(frame);
    let sent = 0;
    for (const socket of this.sockets.get(conversationId) ?? []) {
      if (socket.readyState !== OPEN) continue;
      socket.send(json);
      sent += 1;
    }
    return sent;
  }

  connections(conversationId: string): number {
    return this.sockets.get(conversationId)?.size ?? 0;
  }
}
