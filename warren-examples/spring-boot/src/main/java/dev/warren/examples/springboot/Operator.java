package dev.warren.examples.springboot;

import dev.warren.DeadLetter;
import dev.warren.admin.WarrenAdmin;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operator's side: a subscription's dead letters, and replaying them. */
@RestController
@RequestMapping("/dead-letters/{subscription}")
class Operator {
  /**
   * A dead letter as the operator sees it.
   *
   * @param id its id, for a selective replay
   * @param type the event type, or {@code null} when the message was no event
   * @param errorType the class of the last failure
   * @param errorMessage its message
   */
  record Shown(String id, String type, String errorType, String errorMessage) {}

  private final WarrenAdmin admin;

  Operator(WarrenAdmin admin) {
    this.admin = admin;
  }

  @GetMapping
  List<Shown> list(
      @PathVariable String subscription, @RequestParam(defaultValue = "50") int limit) {
    return admin.deadLetters(subscription).peek(limit).stream()
        .map(
            (DeadLetter d) ->
                new Shown(
                    d.id(),
                    d.event() == null ? null : d.event().type(),
                    d.errorType(),
                    d.errorMessage()))
        .toList();
  }

  @PostMapping("/replay")
  Map<String, Long> replay(@PathVariable String subscription) {
    return Map.of("replayed", admin.deadLetters(subscription).replay());
  }
}
