import Foundation
import HermesTools
import Logging

/// A log handler that masks secrets (`Redactor`) in the message and in every metadata value
/// before the line is written, as the Python project's `RedactingFormatter` does for its logs.
public struct RedactingLogHandler: LogHandler {
    private var inner: any LogHandler
    private let redactor: Redactor

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

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = redact(newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue.map(redact) }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: redactor.redact(event.message.description))
        event.metadata = event.metadata.map { redact($0) }
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
