/**
 * The long-lived service behind {@code sluice daemon}: the connection lifecycle (disconnected,
 * connecting, connected, error) owned by one thread, and the status report people and scripts read.
 * Requests from the control socket and signals are queued to that thread, so no two lifecycle
 * changes ever run at once.
 */
package dev.sluice.daemon.service;
