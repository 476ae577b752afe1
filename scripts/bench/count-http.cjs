// Preloaded (`node --require`) into a benchmark's child processes: counts the HTTP requests the process serves,
// less control, health and metrics requests, and writes it (and how many were sendMessage) to BENCH_HTTP_COUNT_FILE on SIGWINCH (a signal
// Node and NestJS's shutdown hooks leave alone; SIGUSR2 would close a NestJS app).
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const file = process.env.BENCH_HTTP_COUNT_FILE;
if (file) {
  let served = 0;
  let sendMessage = 0;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function countRequests(event, req, ...rest) {
    if (event === 'request' && !/^\/(_emulator|health|metrics)\b/.test(req.url)) {
      served += 1;
      if (/\/sendMessage$/.test(req.url)) sendMessage += 1;
    }
    return emit.call(this, event, req, ...rest);
  };
  process.on('SIGWINCH', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, `${served} ${sendMessage}`);
    fs.renameSync(`${file}.tmp`, file);
  });
}
