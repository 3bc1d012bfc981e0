'use strict';
// Runs kinesalite exactly as its cli.js does, but bound to 127.0.0.1 (the CLI listens on every
// interface). Usage: node bench/kinesalite-server.js <port>
const kinesalite = require('kinesalite');

const port = Number(process.argv[2]);
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 });
server.listen(port, '127.0.0.1', () => console.log(`Listening at http://127.0.0.1:${server.address().port}`));
