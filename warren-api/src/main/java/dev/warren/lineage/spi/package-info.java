/**
 * The lineage store SPI: where recorded events and delivery steps are kept. Implementations are
 * found through {@link java.util.ServiceLoader} by the scheme of {@code WARREN_STORE_URL}, and pass
 * the {@code LineageStoreContractTest} of warren-testkit.
 */
package dev.warren.lineage.spi;
