'use strict';
// Who may do what, from a request's bearer token (Nx sends NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN as
// `Authorization: Bearer …`, https://nx.dev/docs/kb/self-hosted-caching). Two tokens, as Nx's guidance for
// self-hosted caches asks: trusted runs (protected-branch CI) write, everyone else only reads.
const { createHash, timingSafeEqual } = require('node:crypto');

/**
 * Compared as SHA-256 digests with crypto.timingSafeEqual: equal lengths (timingSafeEqual throws otherwise) and
 * a comparison whose time says nothing about how much of a guess was right, as `===` would.
 */
function digest(text) {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sameSecret(presented, expected) {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * `tokens` ({ write, read }, either undefined) as a function of a request: 'write' (read and write), 'read' or
 * undefined (no valid token). With no token configured at all (loopback only, options.js), everyone writes.
 */
function accessChecker(tokens) {
  const { write, read } = tokens;
  return (request) => {
    if (write === undefined && read === undefined) return 'write';
    const presented = /^Bearer (.+)$/.exec(request.headers.authorization || '')?.[1];
    if (presented === undefined) return undefined;
    // Both compared every time, so the answer's timing does not tell which token a guess was closer to.
    const isWrite = write !== undefined && sameSecret(presented, write);
    const isRead = read !== undefined && sameSecret(presented, read);
    if (isWrite) return 'write';
    return isRead ? 'read' : undefined;
  };
}

module.exports = { accessChecker, sameSecret };
