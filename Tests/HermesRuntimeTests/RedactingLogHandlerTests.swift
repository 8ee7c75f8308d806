import HermesRuntime
import HermesTools
import Logging
import Synchronization
import Testing

/// Secrets never reach a log line, whether they are in its message, its own metadata or the
/// logger's; the logger's metadata is masked when a line is written, not when it is set.
@Suite struct RedactingLogHandlerTests {
    /// Keeps the events it is given.
    final class Recorder: LogHandler, @unchecked Sendable {
        let events = Mutex<[LogEvent]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { events.withLock { $0.append(event) } }
    }

    @Test("a key in the message, the line's metadata or the logger's is masked in the line written")
    func secretsAreMaskedWhenWritten() throws {
        let key = "sk-proj-" + String(repeating: "a1B2", count: 8)
        let recorder = Recorder()
        var logger = Logger(label: "test") { _ in RedactingLogHandler(recorder, redactor: Redactor()) }
        logger[metadataKey: "token"] = "\(key)"
        #expect(logger[metadataKey: "token"] == "\(key)", "kept as set until a line is written")
        logger.debug("below the level: never written")
        logger.info("calling with \(key)", metadata: ["header": "Bearer \(key)"])

        let events = recorder.events.withLock { $0 }
        #expect(events.count == 1)
        let event = try #require(events.first)
        let written = [event.message.description] + (event.metadata ?? [:]).values.map(\.description)
        #expect(written.count == 3, "the message, the line's metadata and the logger's: \(written)")
        #expect(!written.contains { $0.contains(key) }, "\(written)")
        #expect(recorder.metadata.isEmpty, "the inner handler keeps no unmasked metadata of its own")
    }
}
