package dev.warren.examples.springboot;

/**
 * An interaction names a product the catalog does not know: retrying will not help until the
 * product is added, so the edge writer's subscription dead-letters it at once.
 */
class UnknownProductException extends RuntimeException {
  UnknownProductException(String product) {
    super("product '" + product + "' is not in the catalog");
  }
}
