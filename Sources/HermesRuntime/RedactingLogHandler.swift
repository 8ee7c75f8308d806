import Foundation
import HermesTools
import Logging

/// A log handler that masks secrets (`Redactor`) in the message and in every metadata value
/// before the line is written, as the Python project's `RedactingFormatter` does for its logs.
///
/// The logger's own metadata is kept as set and masked only when a line is written: libraries
/// set metadata on every request (AsyncHTTPClient its request id), and masking each value as it
/// was set cost the gateway a regular-expression scan per model call for lines never written.
public struct RedactingLogHandler: LogHandler {
    private var inner: any LogHandler
    private let redactor: Redactor
    /// The logger's metadata, unmasked; the inner handler is given it with each line.
    public var metadata: Logger.Metadata = [:]

    /// Wraps `inner`.
    public init(_ inner: any LogHandler, redactor: Redactor) {
        self.inner = inner
        self.redactor = redactor
    }

    /// Makes `hermes`'s loggers write to standard error through a redactor, on unless
    /// `HERMES_REDACT_SECRETS` is false; call once, before any logger is made.
    public static func bootstrap(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let redactor = Redactor.forEnvironment(environment)
        LoggingSystem.bootstrap { label in RedactingLogHandler(StreamLogHandler.standardError(label: label), redactor: redactor) }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: redactor.redact(event.message.description))
        let merged = metadata.merging(event.metadata ?? [:]) { _, line in line }
        event.metadata = merged.isEmpty ? nil : redact(merged)
        inner.log(event: event)
    }

    private func redact(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.mapValues(redact)
    }

    private func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .stringConvertible(let convertible): .string(redactor.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}
