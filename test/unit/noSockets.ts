/**
 * The unit tier opens no sockets (tests that need a server over loopback live in test/integration).
 * Loaded by test/unit/.mocharc.json before any test: listening, connecting or binding throws.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';

function refuse(what: string): never {
  throw new Error(`the unit tier opens no sockets (${what}); move this test to test/integration`);
}

net.Server.prototype.listen = function listen(): never {
  return refuse('net.Server.listen');
};
net.Socket.prototype.connect = function connect(): never {
  return refuse('net.Socket.connect');
};
dgram.Socket.prototype.bind = function bind(): never {
  return refuse('dgram.Socket.bind');
};
dgram.Socket.prototype.send = function send(): never {
  return refuse('dgram.Socket.send');
};
