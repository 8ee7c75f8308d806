/// The clock the runtime's timers read: edit rate limits, queue waits, cache lifetimes, summary
/// timeouts and cooldowns.
///
/// Its instants are the continuous clock's, so every part can store, compare and subtract them
/// without knowing which clock made them: production passes `ContinuousClock()`, tests a clock
/// whose time moves only when the test says so (`ManualClock` in HermesTesting), which makes a
/// test of a timeout a sequence of steps instead of a race against the machine.
public protocol HermesClock: Clock where Instant == ContinuousClock.Instant {}

extension ContinuousClock: HermesClock {}
