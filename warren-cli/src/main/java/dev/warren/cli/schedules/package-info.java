/** {@code warren schedules}: list and operate recurring schedules. */
package dev.warren.cli.schedules;
