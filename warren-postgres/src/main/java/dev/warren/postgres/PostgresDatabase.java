package dev.warren.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the PostgreSQL stores share: reading the URL, the connection pool, and creating their tables
 * (and the URL's {@code currentSchema}) on first use under an advisory lock, so several instances
 * starting together do not race.
 */
final class PostgresDatabase {
  private static final Pattern SCHEMA = Pattern.compile("[?&]currentSchema=([A-Za-z0-9_]+)");
  private static final Pattern WHERE = Pattern.compile("jdbc:postgresql://([^/?]*)/?([^?]*)");

  private PostgresDatabase() {}

  /**
   * @param url a {@code jdbc:postgresql://} URL
   * @return its {@code currentSchema}, or {@code null}
   */
  static String schemaOf(String url) {
    Matcher m = SCHEMA.matcher(url);
    return m.find() ? m.group(1) : null;
  }

  /**
   * @param url a {@code jdbc:postgresql://} URL
   * @return host, database and schema, for messages (never the password)
   */
  static String describe(String url) {
    Matcher m = WHERE.matcher(url);
    String where = m.find() ? m.group(1) + "/" + m.group(2) : "?";
    String schema = schemaOf(url);
    return "postgresql " + where + (schema == null ? "" : " schema " + schema);
  }

  /**
   * Opens a pool and creates the tables if needed; closes the pool again when that fails.
   *
   * @param url a {@code jdbc:postgresql://} URL
   * @param poolName the pool's name, for its threads
   * @param maxPoolSize the most connections
   * @param schemaLock the advisory lock taken while creating the tables
   * @param ddl the statements that create the tables, each idempotent
   * @param failure makes the store's own exception from what failed and why
   * @return the pool
   */
  static HikariDataSource open(
      String url,
      String poolName,
      int maxPoolSize,
      long schemaLock,
      List<String> ddl,
      BiFunction<String, Exception, RuntimeException> failure) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName(poolName);
    config.setMaximumPoolSize(maxPoolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    config.setAutoCommit(true);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw failure.apply("connect: " + rootMessage(e), e);
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + schemaLock + ")");
        String schema = schemaOf(url);
        if (schema != null) {
          s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        for (String statement : ddl) {
          s.execute(statement);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      pool.close();
      throw failure.apply("create its tables: " + e.getMessage(), e);
    }
    return pool;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
