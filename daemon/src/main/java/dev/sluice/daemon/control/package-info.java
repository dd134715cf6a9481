/**
 * The control socket of SPEC.md: a Unix domain socket (mode 0660, group {@code sluice}) carrying
 * newline-delimited JSON, one request and one reply per line, each with the protocol version. The
 * daemon checks the caller's credentials (SO_PEERCRED); a malformed, oversized or unauthorised
 * request gets an error reply and changes nothing. {@link dev.sluice.daemon.control.ControlClient}
 * is the CLI's side.
 */
package dev.sluice.daemon.control;
