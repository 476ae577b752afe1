import { Socket } from 'node:net';

const batched = new WeakSet<Socket>();

/**
 * Makes what is written to a socket in one tick leave in one syscall. amqplib writes every frame to its socket
 * on its own (a publish, an ack, a reply: one `write` each), and a write to a loopback or cluster-local TCP
 * socket costs 0.1-0.3 ms on the virtual machines we run on, more than the code around it. The socket is corked
 * at the first write of a tick and uncorked once the code running then is done (`process.nextTick`), so the
 * frames of that tick go out together as one `writev` and none waits longer than the code already running.
 */
export function batchWritesPerTick(socket: Socket): void {
  if (batched.has(socket)) return;
  batched.add(socket);
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      this.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/**
 * The socket under an amqplib connection (amqplib keeps it as `connection.stream`; its types do not say so), or
 * undefined when it is not a plain socket: then nothing is batched, and nothing breaks.
 */
export function socketOf(connection: unknown): Socket | undefined {
  const stream = (connection as { connection?: { stream?: unknown } } | undefined)?.connection?.stream;
  return stream instanceof Socket ? stream : undefined;
}
