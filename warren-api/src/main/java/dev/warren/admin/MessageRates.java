package dev.warren.admin;

/**
 * Messages per second over the broker's recent sampling window; {@code NaN} where the broker does
 * not report a figure. RabbitMQ reports them through its management API; the embedded broker counts
 * them itself, over the last 5 s between two readings (a first reading has none).
 *
 * @param published messages arriving in the queue per second
 * @param delivered messages handed to consumers per second
 * @param acknowledged messages acknowledged per second
 */
public record MessageRates(double published, double delivered, double acknowledged) {
  /** No figures. */
  public static final MessageRates UNKNOWN = new MessageRates(Double.NaN, Double.NaN, Double.NaN);

  /**
   * @return whether the broker reported figures
   */
  public boolean known() {
    return !Double.isNaN(published) || !Double.isNaN(delivered) || !Double.isNaN(acknowledged);
  }
}
