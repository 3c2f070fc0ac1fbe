export const main_handler = async (): Promise<never> => {
  throw new Error('not implemented yet');
};
