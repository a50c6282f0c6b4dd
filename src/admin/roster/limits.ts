/** A whole county's export (Keelung: about 32,000 students) is a few MB; a school's is far smaller. */
export const MAX_ROSTER_BYTES = 10 * 1024 * 1024;
