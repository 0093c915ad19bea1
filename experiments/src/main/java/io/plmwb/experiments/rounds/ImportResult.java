package io.plmwb.experiments.rounds;

import java.util.List;

/**
 * What an importer read: the rounds (possibly partial) and every problem met on the way, with file and line.
 */
public record ImportResult(List<Round> rounds, List<ImportIssue> issues) {

    public ImportResult {
        rounds = List.copyOf(rounds);
        issues = List.copyOf(issues);
    }
}
