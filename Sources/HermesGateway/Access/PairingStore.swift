import Crypto
import Foundation
import HermesCore
import NIOPosix
import Synchronization

/// The DM pairing store of the Python project (`gateway/pairing.py`), in its files, so that an
/// approval made with either implementation holds for both: an unknown user gets a one-time
/// code of 8 characters (no 0/O/1/I), kept only as a salted SHA-256 hash for an hour; at most 3
/// codes wait per platform; a user may ask once per 10 minutes; 5 wrong approvals lock the
/// platform for an hour.
///
/// Files, under `$HERMES_HOME/platforms/pairing` (or the legacy `$HERMES_HOME/pairing` when it
/// holds data), each written whole to a temporary file, synced, renamed into place and made
/// 0600: `PLATFORM-pending.json`, `PLATFORM-approved.json`, `_rate_limits.json`. Every call
/// reads them afresh, so `hermes pairing approve` in another process is seen at once. The work
/// runs on NIO's blocking-I/O pool, one call at a time (`perform`), never on a task thread.
public final class PairingStore: Sendable {
    /// Where the files are.
    public let directory: String
    private let files: PairingFiles
    private let serial = Mutex(())

    /// The store in `directory`; `now` gives the time in seconds since 1970 (the files' unit).
    public init(directory: String, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.directory = directory
        files = PairingFiles(directory: directory, now: now)
    }

    /// Runs `body` over the files, after any call before it has finished.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (PairingFiles) throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive { try self.serial.withLock { _ in try body(self.files) } }
    }

    /// The pairing directory of a Hermes home, as the Python project picks it: the legacy
    /// `pairing/` when it holds files, else `platforms/pairing/`.
    public static func directory(hermesHome: String) -> String {
        let legacy = hermesHome + "/pairing"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: legacy)) ?? []
        return entries.isEmpty ? hermesHome + "/platforms/pairing" : legacy
    }
}

/// The pairing files themselves (`PairingStore.perform` hands them out); blocking calls.
public struct PairingFiles: Sendable {
    /// The code alphabet, unambiguous to read aloud.
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    static let codeLength = 8
    static let codeLifetime: Double = 3600
    static let rateLimit: Double = 600
    static let lockout: Double = 3600
    static let maxPendingPerPlatform = 3
    static let maxFailedAttempts = 5

    /// A code waiting for the owner's approval, as `hermes pairing list` shows it.
    public struct Pending: Sendable, Hashable {
        public var platform: String
        /// The first 8 hex digits of the code's hash: the code itself is never stored.
        public var code: String
        public var userID: String
        public var userName: String
        public var ageMinutes: Int
    }

    /// A user allowed to talk to the bot.
    public struct Approved: Sendable, Hashable {
        public var platform: String
        public var userID: String
        public var userName: String
    }

    /// Where the files are.
    public let directory: String
    let now: @Sendable () -> Double

    // MARK: Approved users

    /// Whether `user` may talk to the bot on `platform`.
    public func isApproved(platform: String, user: String) throws -> Bool {
        try load(approvedFile(platform))[user.trimmingCharacters(in: .whitespaces)] != nil
    }

    /// The approved users, of one platform or of all.
    public func approved(platform: String? = nil) throws -> [Approved] {
        try platforms(platform, kind: "approved").flatMap { name in
            try load(approvedFile(name)).sorted { $0.key < $1.key }.map { user, info in
                Approved(platform: name, userID: user, userName: (info as? [String: Any])?["user_name"] as? String ?? "")
            }
        }
    }

    /// Removes `user`'s approval; whether there was one.
    public func revoke(platform: String, user: String) throws -> Bool {
        var approved = try load(approvedFile(platform))
        guard approved.removeValue(forKey: user.trimmingCharacters(in: .whitespaces)) != nil else { return false }
        try save(approved, to: approvedFile(platform))
        return true
    }

    // MARK: Codes

    /// A new code for `user`, or nil when the user asked within the last 10 minutes, 3 codes
    /// already wait on the platform, or the platform is locked out.
    public func generateCode(platform: String, user: String, name: String) throws -> String? {
        try removeExpired(platform)
        guard try !isLockedOut(platform), try !isRateLimited(platform: platform, user: user) else { return nil }
        var pending = try load(pendingFile(platform))
        guard pending.count < Self.maxPendingPerPlatform else { return nil }
        var generator = SystemRandomNumberGenerator()
        let code = String((0..<Self.codeLength).map { _ in Self.alphabet.randomElement(using: &generator)! })
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let entry = (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hexEncoded
        pending[entry] = [
            "hash": Self.hash(code, salt: salt), "salt": salt.hexEncoded, "user_id": user, "user_name": name,
            "created_at": now(),
        ]
        try save(pending, to: pendingFile(platform))
        try recordRequest(platform: platform, user: user)
        return code
    }

    /// What became of an approval.
    public enum Approval: Sendable, Hashable {
        /// The user may talk to the bot now.
        case approved(userID: String, userName: String)
        /// No waiting code matches (a wrong one counts towards the lockout).
        case unknownCode
        /// Too many wrong codes: approvals are refused for a while.
        case lockedOut(minutesLeft: Int)
    }

    /// Approves the user who was given `code`.
    public func approve(platform: String, code: String) throws -> Approval {
        try removeExpired(platform)
        if let minutes = try lockoutMinutesLeft(platform) { return .lockedOut(minutesLeft: minutes) }
        let code = code.uppercased().trimmingCharacters(in: .whitespaces)
        var pending = try load(pendingFile(platform))
        let match = pending.first { _, value in
            guard let entry = value as? [String: Any], let saltText = entry["salt"] as? String, let hash = entry["hash"] as? String,
                let salt = Self.bytes(hex: saltText)
            else { return false }
            return constantTimeEqual(Array(Self.hash(code, salt: salt).utf8), Array(hash.utf8))
        }
        guard let (key, value) = match, let entry = value as? [String: Any], let user = entry["user_id"] as? String else {
            try recordFailure(platform)
            if let minutes = try lockoutMinutesLeft(platform) { return .lockedOut(minutesLeft: minutes) }
            return .unknownCode
        }
        pending.removeValue(forKey: key)
        try save(pending, to: pendingFile(platform))
        let name = entry["user_name"] as? String ?? ""
        var approved = try load(approvedFile(platform))
        approved[user] = ["user_name": name, "approved_at": now()]
        try save(approved, to: approvedFile(platform))
        return .approved(userID: user, userName: name)
    }

    /// The codes waiting, of one platform or of all.
    public func pending(platform: String? = nil) throws -> [Pending] {
        try platforms(platform, kind: "pending").flatMap { name in
            try removeExpired(name)
            return try load(pendingFile(name)).compactMap { _, value -> (Double, Pending)? in
                guard let entry = value as? [String: Any], let created = entry["created_at"] as? Double else { return nil }
                let hash = entry["hash"] as? String
                return (
                    created,
                    Pending(
                        platform: name, code: hash.map { String($0.prefix(8)) } ?? "legacy", userID: entry["user_id"] as? String ?? "",
                        userName: entry["user_name"] as? String ?? "", ageMinutes: Int((now() - created) / 60))
                )
            }.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Drops every waiting code; how many there were.
    public func clearPending() throws -> Int {
        var count = 0
        for name in try platforms(nil, kind: "pending") {
            count += try load(pendingFile(name)).count
            try save([:], to: pendingFile(name))
        }
        return count
    }

    // MARK: Rate limits and lockout

    /// Whether `user` asked for a code within the last 10 minutes.
    public func isRateLimited(platform: String, user: String) throws -> Bool {
        let limits = try load(rateLimitFile)
        return now() - ((limits["\(platform):\(user)"] as? Double) ?? 0) < Self.rateLimit
    }

    /// Notes that `user` was answered, so that the next 10 minutes of messages get no answer.
    public func recordRequest(platform: String, user: String) throws {
        var limits = try load(rateLimitFile)
        limits["\(platform):\(user)"] = now()
        try save(limits, to: rateLimitFile)
    }

    private func isLockedOut(_ platform: String) throws -> Bool { try lockoutMinutesLeft(platform) != nil }

    private func lockoutMinutesLeft(_ platform: String) throws -> Int? {
        let until = (try load(rateLimitFile)["_lockout:\(platform)"] as? Double) ?? 0
        return now() < until ? Int(until - now()) / 60 : nil
    }

    private func recordFailure(_ platform: String) throws {
        var limits = try load(rateLimitFile)
        let failures = ((limits["_failures:\(platform)"] as? Int) ?? 0) + 1
        limits["_failures:\(platform)"] = failures
        if failures >= Self.maxFailedAttempts {
            limits["_lockout:\(platform)"] = now() + Self.lockout
            limits["_failures:\(platform)"] = 0
        }
        try save(limits, to: rateLimitFile)
    }

    private func removeExpired(_ platform: String) throws {
        let pending = try load(pendingFile(platform))
        let fresh = pending.filter { _, value in
            guard let created = (value as? [String: Any])?["created_at"] as? Double else { return false }
            return now() - created <= Self.codeLifetime
        }
        if fresh.count != pending.count { try save(fresh, to: pendingFile(platform)) }
    }

    // MARK: Files

    private func pendingFile(_ platform: String) -> String { directory + "/\(platform)-pending.json" }
    private func approvedFile(_ platform: String) -> String { directory + "/\(platform)-approved.json" }
    private var rateLimitFile: String { directory + "/_rate_limits.json" }

    private func platforms(_ platform: String?, kind: String) throws -> [String] {
        if let platform { return [platform] }
        let suffix = "-\(kind).json"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.sorted()
    }

    /// A JSON object from `path`; an absent, unreadable or malformed file reads as empty, as in Python.
    private func load(_ path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private func save(_ object: [String: Any], to path: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        do {
            try AtomicFile.write(Array(data), to: path, mode: 0o600)
        } catch {
            throw PairingError(error.description)
        }
    }

    static func hash(_ code: String, salt: [UInt8]) -> String {
        SHA256.hash(data: salt + Array(code.utf8)).hexEncoded
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }
}

/// A pairing file that could not be written.
public struct PairingError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Sequence<UInt8> {
    fileprivate var hexEncodedString: String { map { String(format: "%02x", $0) }.joined() }
}
