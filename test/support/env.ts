/**
 * Run `work` with environment variables set (`undefined` unsets one), and put every one of them
 * back as it was afterwards, whether `work` succeeded or not.
 */
export const withEnv = async <T>(variables: Record<string, string | undefined>, work: () => T | Promise<T>): Promise<T> => {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(variables);
  try {
    return await work();
  } finally {
    apply(previous);
  }
};
