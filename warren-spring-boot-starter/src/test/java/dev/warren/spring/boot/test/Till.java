package dev.warren.spring.boot.test;

import org.springframework.stereotype.Component;

/** A component without Warren methods. */
@Component
public class Till {}
