/**
 * Service-provider interfaces through which the API finds its implementation. Applications do not
 * use these directly.
 */
package dev.warren.spi;
