package dev.warren.examples.interactions;

/**
 * An interaction names a product the edge worker's catalog does not know. Retrying does not help
 * until someone adds the product, so such events end in the dead-letter queue, to be replayed after
 * the fix.
 */
final class UnknownProductException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param product the unknown product id
   */
  UnknownProductException(String product) {
    super("product " + product + " is not in the catalog");
  }
}
