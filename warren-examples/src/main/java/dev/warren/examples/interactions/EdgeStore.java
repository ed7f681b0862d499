package dev.warren.examples.interactions;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where the edge worker writes the interaction graph: PostgreSQL when a JDBC URL is configured, an
 * in-memory table otherwise. Every write is idempotent by event id.
 */
interface EdgeStore extends AutoCloseable {
  /** Names the PostgreSQL database for the edges: a {@code jdbc:postgresql://…} URL. */
  String JDBC_URL = "WARREN_EXAMPLES_JDBC_URL";

  /** Warren's own store setting, used for the edges too when it is a PostgreSQL URL. */
  String STORE_URL = "WARREN_STORE_URL";

  /**
   * Opens PostgreSQL when {@value #JDBC_URL} is set, or {@value #STORE_URL} is a {@code
   * jdbc:postgresql:} URL; the in-memory table otherwise.
   *
   * @param environment the example's environment
   * @param run this run's id: the store counts only this run's edges, so runs never mix
   * @return the store
   * @throws SQLException when the configured database cannot be reached
   */
  static EdgeStore open(Map<String, String> environment, String run) throws SQLException {
    String url = environment.get(JDBC_URL);
    if (url == null || url.isBlank()) {
      String store = environment.getOrDefault(STORE_URL, "");
      url = store.startsWith("jdbc:postgresql:") ? store : null;
    }
    return url == null ? new InMemoryEdgeStore() : PostgresEdgeStore.connect(url.trim(), run);
  }

  /**
   * Writes an edge unless one with the same event id exists.
   *
   * @param edge the edge
   * @return whether it was new
   * @throws SQLException when the database refuses
   */
  boolean insert(Edge edge) throws SQLException;

  /**
   * @return how many edges this run wrote
   * @throws SQLException when the database refuses
   */
  long count() throws SQLException;

  /**
   * @return the sum of the weights of this run's edges
   * @throws SQLException when the database refuses
   */
  long totalWeight() throws SQLException;

  /**
   * @param limit how many
   * @return the heaviest user→product pairs, heaviest first, as {@code user→product weight}
   * @throws SQLException when the database refuses
   */
  List<String> heaviest(int limit) throws SQLException;

  /**
   * @return what the store is, for the narration
   */
  String describe();

  /** Releases the connection. */
  @Override
  void close();
}
