import ArgumentParser
import Foundation
import HermesAgent
import HermesConfig
import HermesRuntime

/// `hermes profile …`: the profiles under `~/.hermes/profiles`, as the Python project's
/// `hermes profile` lists, makes and chooses them (its wrapper scripts in `~/.local/bin` are not
/// written: `hermes -p NAME` does what they do).
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Show, list, create and choose profiles (each its own HERMES_HOME under ~/.hermes/profiles).",
        subcommands: [Show.self, List.self, Create.self, Use.self],
        defaultSubcommand: Show.self
    )

    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var profiles: Profiles { Profiles(root: HermesHome.root(environment)) }

    /// `hermes profile show`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the profile in use and its directory.")
        func run() {
            let home = HermesHome.unprofiled(ProfileCommand.environment)
            Terminal.out("Active profile: \(home.profile)\nPath: \(home.path)\n")
        }
    }

    /// `hermes profile list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the profiles; ◆ marks the one used without -p.")
        func run() {
            let profiles = ProfileCommand.profiles
            let active = profiles.active
            for name in profiles.names() {
                let path = name == "default" ? profiles.root : profiles.root + "/profiles/" + name
                Terminal.out("\(name == active ? "◆" : " ") \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(path)\n")
            }
        }
    }

    /// `hermes profile create NAME`.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a profile with its own directories, .env and SOUL.md.")

        @Argument(help: "Its name: lowercase letters, digits, - and _.")
        var name: String

        @Flag(name: .long, help: "Copy config.yaml, .env, SOUL.md, memories and skills from the profile in use.")
        var clone = false

        func run() throws {
            do {
                let source = clone ? HermesHome.unprofiled(ProfileCommand.environment).path : nil
                let directory = try ProfileCommand.profiles.create(name, cloning: source, identity: SystemPrompt.defaultIdentity)
                Terminal.out("Created profile \(name.lowercased()) at \(directory)\nUse it with: hermes -p \(name.lowercased()) chat \"...\"\n")
            } catch {
                throw Failure.report(error)
            }
        }
    }

    /// `hermes profile use NAME`.
    struct Use: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Use this profile when no -p is given (default: the root).")

        @Argument(help: "The profile, or default.")
        var name: String

        func run() throws {
            do {
                let profiles = ProfileCommand.profiles
                try profiles.use(name)
                let chosen = name.trimmingCharacters(in: .whitespaces).lowercased()
                Terminal.out(chosen == "default" ? "Switched to: default (\(profiles.root))\n" : "Switched to: \(chosen)\n")
            } catch {
                throw Failure.report(error)
            }
        }
    }
}
