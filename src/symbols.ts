/** Private state keys, described so that they read well in a debugger. */
export const kOperation = Symbol('routecraft.operation')
export const kDependency = Symbol('routecraft.dependency')
export const kDirectResponse = Symbol('routecraft.directResponse')
