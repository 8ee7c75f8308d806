import ArgumentParser
import Foundation
import HermesBench

/// `hermes-bench validate FILE...`: checks scenario files without running anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files; exit 2 with FILE:LINE and what to write instead if one is wrong.")

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file, e.g. Scenarios/steady-load.yaml") }
    }

    func run() throws {
        var failed = false
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                print("\(file): ok — \(scenario.name): \(scenario.summary)")
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
    }
}

/// `hermes-bench list [DIR]`: the scenarios in a directory with their `about` line.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the scenario files of a directory (default Scenarios) with what each does.")

    @Argument(help: "The directory.")
    var directory: String = "Scenarios"

    func run() throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw ValidationError("cannot read the directory \(directory): \(error.localizedDescription)")
        }
        var failed = false
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                let scenario = try ScenarioLoader.load(path: path)
                print("\(scenario.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(scenario.about)")
            } catch {
                print("\(name.padding(toLength: 22, withPad: " ", startingAt: 0)) INVALID: \(error)")
                failed = true
            }
        }
        if names.isEmpty { print("no scenario files in \(directory)") }
        if failed { throw ExitCode(2) }
    }
}
