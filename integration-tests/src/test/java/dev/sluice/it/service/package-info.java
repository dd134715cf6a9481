/**
 * {@code sluice daemon} as an operator drives it: connect, status, live classify, reload,
 * disconnect and the error state through the control socket; the stock {@code wg} against Sluice's
 * WireGuard API; metrics; credentials checked on the socket.
 */
package dev.sluice.it.service;
