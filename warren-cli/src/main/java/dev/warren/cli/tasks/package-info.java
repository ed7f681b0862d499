/** {@code warren tasks …}: submit, inspect and revoke tasks of Warren's task queue. */
package dev.warren.cli.tasks;
