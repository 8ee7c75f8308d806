import ArgumentParser
import Foundation
import HermesBench
import HermesCore

/// `hermes-bench merge LOG...`: interval logs from several generators, combined exactly.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge .hlog interval logs from several generators into one latency table (exact percentiles).",
        discussion: """
            Logs are grouped by the operation they record (turn, llm, tool.NAME…); a directory stands for \
            every .hlog file in it, so `merge RUN_A RUN_B` merges two runs operation by operation. With --out, \
            writes the merged OPERATION.hlog files and merged.json there. Exit status 2 for an unreadable \
            log or logs recorded with different precisions.
            """)

    @Argument(help: "Interval logs (.hlog) or run directories.")
    var logs: [String]

    @Option(name: .long, help: "Write the merged logs and merged.json to this directory.")
    var out: String?

    func validate() throws {
        if logs.isEmpty { throw ValidationError("give the .hlog files to merge, e.g. machine-a/turn.hlog machine-b/turn.hlog") }
    }

    func run() throws {
        let merged: LogMerge
        do {
            merged = try LogMerge.merge(paths: logs)
            if let out { try merged.write(to: out) }
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        for operation in merged.operations.values.sorted(by: { $0.name < $1.name }) {
            print("\(operation.name): \(operation.files.joined(separator: " + "))")
        }
        print(RunSummary.table(merged.operations.mapValues(\.summary)))
        if let out { print("merged: \(out)/merged.json") }
    }
}
