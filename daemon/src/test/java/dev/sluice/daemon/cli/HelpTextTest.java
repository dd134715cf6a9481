package dev.sluice.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** What {@code sluice --help}, each command's {@code --help} and the man page say, as read. */
class HelpTextTest {
    private static final int WIDTH = 80;

    /** A line that starts an option's entry: {@code " -h, --help ..."} or {@code " --x"}. */
    private static final Pattern OPTION = Pattern.compile("^ {2,6}-.*");

    private static String help(String... args) {
        CommandLine commandLine = Main.newCommandLine();
        commandLine.setUsageHelpWidth(WIDTH);
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(new StringWriter()));
        assertThat(commandLine.execute(args)).isZero();
        return out.toString();
    }

    private static Map<String, CommandLine> subcommands() {
        return Main.newCommandLine().getSubcommands();
    }

    @Test
    void shouldGiveEachCommandACompleteOneLineSummaryWhenListingCommands() {
        List<String> lines = help("--help").lines().toList();
        int start = lines.indexOf("Commands:");
        assertThat(start).isPositive();
        List<String> listed = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String line = lines.get(i);
            assertThat(line)
                    .as("a summary wrapped onto a second line")
                    .startsWith("  ")
                    .doesNotStartWith("   ");
            String name = line.strip().split(" +", 2)[0];
            String summary = line.strip().split(" +", 2)[1];
            listed.add(name);
            CommandSpec spec = subcommands().get(name).getCommandSpec();
            assertThat(summary)
                    .as(name + ": the whole first line of its description")
                    .isEqualTo(spec.usageMessage().description()[0]);
            assertThat(summary)
                    .as(name + ": a sentence")
                    .matches("[A-Z][^.]*[^ ]\\.")
                    .doesNotContain("  ");
        }
        List<String> visible =
                subcommands().entrySet().stream()
                        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                        .map(Map.Entry::getKey)
                        .toList();
        assertThat(listed).containsExactlyElementsOf(visible);
    }

    @Test
    void shouldWrapEverySubcommandsHelpOnlyAtParagraphEndsWhenRenderedAt80Columns() {
        for (String name : subcommands().keySet()) {
            List<String> lines = help(name, "--help").lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(WIDTH);
                boolean last = i == lines.size() - 1;
                String next = last ? "" : lines.get(i + 1);
                boolean endsParagraph =
                        line.isBlank()
                                || next.isBlank()
                                || OPTION.matcher(next).matches()
                                || OPTION.matcher(line).matches()
                                || line.endsWith(":"); // introduces an example
                if (!endsParagraph) {
                    assertThat(line.length())
                            .as(name + " --help breaks a paragraph at:%n%s%n%s", line, next)
                            .isGreaterThanOrEqualTo(WIDTH / 2);
                }
            }
        }
    }

    @Test
    void shouldNameNoFileThatUsersDoNotHaveWhenDescribingCommandsAndOptions() {
        List<String> texts = new ArrayList<>();
        collect(Main.newCommandLine(), texts);
        assertThat(texts).isNotEmpty();
        for (String text : texts) {
            assertThat(text)
                    .doesNotContain("DESIGN", "SPEC.md", "DEVELOPERS", "README", "docs/")
                    .doesNotContainPattern("(?i)\\bissue\\b|#\\d");
        }
    }

    private static void collect(CommandLine command, List<String> texts) {
        texts.addAll(List.of(command.getCommandSpec().usageMessage().description()));
        for (OptionSpec option : command.getCommandSpec().options()) {
            texts.addAll(List.of(option.description()));
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            collect(sub, texts);
        }
    }

    @Test
    void shouldBuildTheManPageFromTheSameSummariesAndParagraphs() {
        String page = help("manpage");
        for (Map.Entry<String, CommandLine> command : subcommands().entrySet()) {
            String summary = command.getValue().getCommandSpec().usageMessage().description()[0];
            if (command.getValue().getCommandSpec().usageMessage().hidden()) {
                assertThat(page).doesNotContain(".SS sluice " + command.getKey() + "\n");
            } else {
                assertThat(page)
                        .contains(
                                ".SS sluice "
                                        + command.getKey().replace("-", "\\-")
                                        + "\n"
                                        + summary.replace("-", "\\-")
                                        + "\n");
            }
        }
        // An example stays on its own line; the paragraphs around it are filled by man.
        assertThat(page)
                .contains(".RS 4\n.nf\numask 077; sluice genkey > private.key\n.fi\n.RE\n")
                .contains("/usr/share/doc/sluice/operations.md");
    }
}
