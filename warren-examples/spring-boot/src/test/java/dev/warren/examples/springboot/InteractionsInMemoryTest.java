package dev.warren.examples.springboot;

import org.springframework.boot.test.context.SpringBootTest;

/** The interactions application on the embedded broker: nothing configured. */
@SpringBootTest(
    classes = InteractionsApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InteractionsInMemoryTest extends InteractionsContractTest {}
