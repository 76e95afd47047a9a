// Preloaded into the cold-start and handler-CPU children (node --import): fauxqs's queue URLs name the
// host sqs.<region>.localhost, which this machine's resolver does not know; resolve *.localhost to
// 127.0.0.1, as fauxqs's interceptLocalhostDns does inside the local runtime's own process.
import dns from "node:dns";

const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (typeof hostname === "string" && hostname.endsWith(".localhost")) {
    const done = typeof options === "function" ? options : callback;
    const all = typeof options === "object" && options?.all;
    if (all) process.nextTick(done, null, [{ address: "127.0.0.1", family: 4 }]);
    else process.nextTick(done, null, "127.0.0.1", 4);
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
