/**
 * JMH benchmarks of the data path, run with {@code java -jar benchmarks/target/benchmarks.jar
 * <regex>} on a JDK 21+ (see BENCHMARKS.md). Each benchmark states the operation per invocation and
 * uses fixed seeds so runs are comparable; results are medians over forks, not timed unit tests.
 */
package dev.sluice.benchmarks;
