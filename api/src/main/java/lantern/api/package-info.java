/**
 * The records the front ends exchange with the use cases ({@code lantern.core}): each use case's request, options and
 * result. They hold data only; the rooms produce them and the core hands them out, so REST resources, picocli commands,
 * web pages and Spark executors need no class of the subject, collection or scoring rooms.
 */
package lantern.api;
