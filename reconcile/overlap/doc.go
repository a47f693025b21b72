// Package overlap decides which retention policies can match the same
// recordings. Genesys keeps a recording for the longest retention of every
// policy that matches it, so where policies overlap, a policy's own
// retention may not be the one that applies.
package overlap
