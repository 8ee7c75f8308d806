import Foundation
import HermesCore
import Testing

@testable import HermesTools

/// What a session hears about its background processes, against the Python project's own words
/// (`Fixtures/python-process-notifications.json`, written by `scripts/peer/process-notifications`
/// from hermes-agent 0.19.0): `format_process_notification` over events, and the gateway
/// watcher's message for finished processes, their output redacted and cut, or the plain
/// message sent when the agent had already taken the result.
@Suite("process notifications")
struct ProcessNotificationTests {
    struct Fixture: Decodable {
        var formatted: [Formatted]
        var watched: [Watched]
    }

    /// An event and Python's message for it.
    struct Formatted: Decodable, Sendable, CustomTestStringConvertible {
        struct Event: Decodable, Sendable {
            var type: String
            var sessionId: String
            var command: String
            var exitCode: Int?
            var completionReason: String?
            var terminationSource: String?
            var pattern: String?
            var output: String?
            var suppressed: Int?
            var message: String?
        }
        var event: Event
        var text: String
        var testDescription: String { "\(event.type) \(event.exitCode.map(String.init) ?? "") \(event.command)" }
    }

    /// A finished process as the gateway's watcher saw it, and what it sent.
    struct Watched: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var command: String
        var output: String
        var exitCode: Int
        var completionReason: String?
        var terminationSource: String?
        var consumed: Bool
        var mode: String
        var turn: String?
        var message: String?
        var testDescription: String { name }
    }

    static let fixture: Fixture? = {
        guard let url = Bundle.module.url(forResource: "python-process-notifications", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(Fixture.self, from: data)
    }()

    @Test("the fixture is there, with every kind of event and watcher case")
    func loaded() throws {
        let fixture = try #require(Self.fixture)
        #expect(Set(fixture.formatted.map(\.event.type)) == ["completion", "watch_match", "watch_disabled"])
        #expect(fixture.watched.count >= 10)
    }

    @Test("format_process_notification's text", arguments: fixture?.formatted ?? [])
    func formatted(_ case: Formatted) throws {
        let event = `case`.event
        let kind = try #require(ProcessEvent.Kind(rawValue: event.type))
        let swift = ProcessEvent(
            kind: kind, processID: event.sessionId, session: SessionID("s"), command: event.command, exitCode: event.exitCode,
            completionReason: event.completionReason, terminationSource: event.terminationSource, pattern: event.pattern,
            output: event.output ?? "", suppressed: event.suppressed ?? 0, message: event.message)
        #expect(ProcessNotification.text(for: swift) == `case`.text)
    }

    @Test("the gateway watcher's turn or plain message for a finished process", arguments: fixture?.watched ?? [])
    func watched(_ case: Watched) throws {
        let exit = BackgroundProcess.Exit(
            code: `case`.exitCode, reason: `case`.completionReason ?? "exited", source: `case`.terminationSource ?? "")
        let notice = ProcessNotification.completionNotice(
            processID: "proc_0123456789ab", session: SessionID("s"), command: `case`.command, exit: exit, log: `case`.output,
            consumed: `case`.consumed, redactor: Redactor())
        let mode = try #require(BackgroundNotifications(rawValue: `case`.mode))
        switch notice {
        case .turn(let text):
            #expect(text == `case`.turn)
            #expect(`case`.message == nil)
        case .message(let text, let exitCode):
            #expect(`case`.turn == nil)
            #expect((mode.sendsFinished(exitCode: exitCode) ? text : nil) == `case`.message)
        }
    }
}
