/**
 * {@code sluice lab} as a newcomer runs it: the whole demo in namespaces, its report, its refusal
 * when a namespace name is taken, and {@code --keep}/{@code --clean}.
 */
package dev.sluice.it.lab;
